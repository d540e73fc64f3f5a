"""Copy detection: word shingles, MinHash signatures and a compact LSH index over them."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from array import array
from functools import lru_cache

import numpy as np

logger = logging.getLogger(__name__)

SHINGLE_WORDS = 4  # 4-word shingles: one edited word breaks 4 shingles, yet distinct articles
# still share almost none (99.9% of corpus cross-pairs under Jaccard 0.05, all under 0.15)
NUM_PERM = 128  # 128 uint32 hashes = 512 bytes/article; Jaccard estimate s.d. ≈ 0.04 at 0.7
BANDS = 32  # 32 bands x 4 rows: candidate probability 0.99 at Jaccard 0.6, 0.87 at 0.5,
ROWS = NUM_PERM // BANDS  # 0.23 at 0.3 and 0.003 at 0.1, so verification sees few strangers
COPY_JACCARD = 0.6  # estimated body Jaccard at or above which two bodies are copies; tuned on the
# labelled set in evaluate.py (made copies score 0.5-1, distinct corpus articles at most 0.15)
COPY_CONTAINMENT = 0.7  # or: 70% of the smaller body's shingles are in the larger one (a copy
CONTAINED_JACCARD = 0.3  # trimmed to its middle paragraphs), with Jaccard at least 0.3 so a
# blurb quoted inside a long roundup does not count
HASH_SEED = 20240917  # fixed: stored signatures are only comparable under the same hash family
MAX_CANDIDATES = 64  # verify at most this many LSH hits, most shared bands first: a huge
# bucket means one big copy group, and its best-matching members decide

WORD_CACHE = 200_000  # word hashes kept: a news vocabulary fits, ~20 MB at most
SIGN_BLOCK = 8192  # shingles hashed at once: 8 MB of work space whatever the body
WORD = re.compile(r"\w+", re.UNICODE)
EMPTY = np.iinfo(np.uint32).max  # the signature of a body shorter than one shingle: matches none

_rng = np.random.default_rng(HASH_SEED)
_MUL = _rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd multipliers
_ADD = _rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
_SHINGLE_MUL = np.uint64(1_000_003)  # odd base of the polynomial shingle hash
_BAND_MUL = _rng.integers(1, 2**63, size=ROWS, dtype=np.uint64) | np.uint64(1)


def tokenize_body(body: str) -> list[str]:
    """Lower-cased word tokens; punctuation, quotes and line wrapping do not count."""
    return WORD.findall(unicodedata.normalize("NFKC", body or "").casefold())


def hash_shingles(body: str) -> np.ndarray:
    """Distinct 32-bit hashes of the body's word shingles (stable across processes)."""
    words = tokenize_body(body)
    if len(words) < SHINGLE_WORDS:
        return np.empty(0, dtype=np.uint64)
    ids = np.fromiter((hash_word(w) for w in words), dtype=np.uint64, count=len(words))
    count = len(words) - SHINGLE_WORDS + 1
    mixed = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # polynomial hash of the shingle's word hashes, mod 2^64
        for offset in range(SHINGLE_WORDS):
            mixed = mixed * _SHINGLE_MUL + ids[offset : offset + count]
    return np.unique(mixed >> np.uint64(32))


@lru_cache(maxsize=WORD_CACHE)
def hash_word(word: str) -> int:
    """Stable 32-bit hash of one word (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")


def compute_signature(body: str) -> np.ndarray:
    """MinHash signature (NUM_PERM uint32) of the body: multiply-shift hashes, min per row."""
    return sign_shingles(hash_shingles(body))


def sign_shingles(hashes: np.ndarray) -> np.ndarray:
    """MinHash signature of distinct shingle hashes."""
    if hashes.size == 0:
        return np.full(NUM_PERM, EMPTY, dtype=np.uint32)
    lowest = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    # In blocks: a million-character body has ~170k shingles, a 170k x 128 matrix (174 MB).
    for start in range(0, hashes.size, SIGN_BLOCK):
        block = hashes[start : start + SIGN_BLOCK]
        with np.errstate(over="ignore"):  # arithmetic mod 2^64 is the hash family
            mixed = (block[:, None] * _MUL[None, :] + _ADD[None, :]) >> np.uint64(32)
        np.minimum(lowest, mixed.min(axis=0), out=lowest)
    return lowest.astype(np.uint32)


def estimate_jaccard(signature: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Estimated Jaccard of one signature against each row of others (shape (n, NUM_PERM))."""
    same = (others == signature[None, :]) & (signature[None, :] != EMPTY)
    return same.mean(axis=1)


def estimate_containment(jaccard: np.ndarray, size: int, sizes: np.ndarray) -> np.ndarray:
    """Share of the smaller set inside the larger, from Jaccard and both set sizes."""
    shared = jaccard * (size + sizes) / (1 + jaccard)
    return shared / np.maximum(np.minimum(size, sizes), 1)


def is_copy(jaccard: np.ndarray, containment: np.ndarray) -> np.ndarray:
    """The copy rule: high Jaccard, or a mostly contained body with some Jaccard."""
    return (jaccard >= COPY_JACCARD) | (
        (containment >= COPY_CONTAINMENT) & (jaccard >= CONTAINED_JACCARD)
    )


def band_keys(signatures: np.ndarray) -> np.ndarray:
    """One uint64 key per band for each signature: shape (n, BANDS)."""
    rows = signatures.reshape(len(signatures), BANDS, ROWS).astype(np.uint64)
    with np.errstate(over="ignore"):
        keys = (rows * _BAND_MUL[None, None, :]).sum(axis=2, dtype=np.uint64)
    return keys + np.arange(BANDS, dtype=np.uint64)[None, :]


def to_signature(value: bytes | list[int] | np.ndarray) -> np.ndarray:
    """A stored signature (bytes or list of ints) as a uint32 array; checks its length."""
    if isinstance(value, bytes | bytearray | memoryview):
        array = np.frombuffer(bytes(value), dtype="<u4")
    else:
        array = np.asarray(value, dtype=np.uint32)
    if array.shape != (NUM_PERM,):
        raise ValueError(f"signature has {array.size} hashes, expected {NUM_PERM}")
    return array.astype(np.uint32)


def to_bytes(signature: np.ndarray) -> bytes:
    """The signature as little-endian uint32 bytes, the form the lake stores."""
    return signature.astype("<u4").tobytes()


def locate(segments: list, row: int) -> tuple[object | None, int]:
    """The frozen segment (presswatch.stories.segments) holding a row, and the row's number in
    it; else (None, its number among the rows after every segment's, held in memory)."""
    for segment in segments:
        if row < segment.start + segment.rows:
            return segment, row - segment.start
    return None, row - sum(s.rows for s in segments)


class CopyIndex:
    """Signatures plus per-band sorted keys; lookups are binary searches, not scans.

    Rows of frozen segments (presswatch.stories.segments, memory-mapped) come first; rows held
    in memory follow them: those given at start live in sorted numpy arrays (BANDS x (8 + 4)
    bytes each), rows added later sit in a small dict until compact() folds them in.
    """

    COMPACT_AFTER = 50_000  # pending rows before re-sorting: dict entries cost ~100x the arrays

    def __init__(
        self,
        signatures: np.ndarray | None = None,
        sizes: np.ndarray | None = None,
        segments: tuple = (),
    ) -> None:
        self._segments = list(segments)
        self._offset = sum(s.rows for s in self._segments)  # first in-memory row's number
        self._signatures = np.empty((0, NUM_PERM), dtype=np.uint32)
        self._sizes = array("i", [] if sizes is None else np.asarray(sizes).tolist())
        self._sorted_keys = np.empty((BANDS, 0), dtype=np.uint64)
        self._sorted_rows = np.empty((BANDS, 0), dtype=np.int32)
        self._extra: list[np.ndarray] = []
        self._pending: dict[int, list[int]] = {}
        if signatures is not None and len(signatures):
            self._signatures = np.ascontiguousarray(signatures, dtype=np.uint32)
            self._sort()

    def __len__(self) -> int:
        return self._offset + len(self._signatures) + len(self._extra)

    @property
    def nbytes(self) -> int:
        """Bytes held in memory by the arrays (pending dict entries and segments not counted)."""
        arrays = (self._signatures, self._sorted_keys, self._sorted_rows)
        extra = len(self._extra) * NUM_PERM * 4 + len(self._sizes) * 4
        return sum(a.nbytes for a in arrays) + extra

    def in_memory(self) -> tuple[np.ndarray, np.ndarray]:
        """Signatures and shingle counts of the rows after the segments', in row order."""
        parts = [self._signatures] + ([np.stack(self._extra)] if self._extra else [])
        return np.concatenate(parts), np.asarray(self._sizes, dtype=np.int32)

    def add(self, signature: np.ndarray, size: int) -> int:
        """Store one signature and its shingle count (0: unknown); returns its row number."""
        row = len(self)
        self._extra.append(signature)
        self._sizes.append(size)
        for key in band_keys(signature[None, :])[0].tolist():
            self._pending.setdefault(key, []).append(row)
        if len(self._extra) >= self.COMPACT_AFTER:
            self.compact()
        return row

    def compact(self) -> None:
        """Fold pending rows into the sorted arrays."""
        if self._extra:
            self._signatures = np.vstack([self._signatures, np.stack(self._extra)])
            self._extra, self._pending = [], {}
            self._sort()

    def find_copies(self, signature: np.ndarray, size: int) -> list[tuple[int, float]]:
        """Rows that are copies of the body (signature, shingle count), best Jaccard first."""
        rows = self._candidates(signature)
        if not rows:
            return []
        found = estimate_jaccard(signature, self._rows(rows))
        sizes = np.array([self._size(r) for r in rows])
        contained = np.where(sizes > 0, estimate_containment(found, size, sizes), 0.0)
        copies = is_copy(found, contained)
        hits = [(row, float(j)) for row, j, c in zip(rows, found, copies, strict=True) if c]
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))

    def _candidates(self, signature: np.ndarray) -> list[int]:
        if (signature == EMPTY).all():
            return []
        keys = band_keys(signature[None, :])[0]
        hits: list[np.ndarray] = []
        for segment in self._segments:
            hits += segment.candidates(keys)
        if self._sorted_keys.shape[1]:
            for band, key in enumerate(keys):
                lo = np.searchsorted(self._sorted_keys[band], key, "left")
                hi = np.searchsorted(self._sorted_keys[band], key, "right")
                if hi > lo:
                    hits.append(self._sorted_rows[band, lo:hi].astype(np.int64) + self._offset)
        for key in keys.tolist():
            if key in self._pending:
                hits.append(np.asarray(self._pending[key], dtype=np.int64))
        if not hits:
            return []
        rows, counts = np.unique(np.concatenate(hits), return_counts=True)
        best = np.argsort(-counts, kind="stable")[:MAX_CANDIDATES]
        return rows[best].tolist()

    def _locate(self, row: int) -> tuple[object | None, int]:
        return locate(self._segments, row)

    def _size(self, row: int) -> int:
        segment, local = self._locate(row)
        return int(segment.sizes[local]) if segment else self._sizes[local]

    def _rows(self, rows: list[int]) -> np.ndarray:
        base = len(self._signatures)
        signatures = []
        for row in rows:
            segment, local = self._locate(row)
            if segment is not None:
                signatures.append(segment.signatures[local])
            elif local < base:
                signatures.append(self._signatures[local])
            else:
                signatures.append(self._extra[local - base])
        return np.stack(signatures)

    def _sort(self) -> None:
        keys = band_keys(self._signatures).T  # (BANDS, n)
        order = np.argsort(keys, axis=1, kind="stable").astype(np.int32)
        self._sorted_keys = np.take_along_axis(keys, order, axis=1)
        self._sorted_rows = order
