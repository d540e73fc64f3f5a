-- Batches whose ledger file exists. A batch writes its table files first and its ledger file
-- last, so rows of a batch that crashed half-way are never shown.
create or replace view committed_batches as
select distinct batch_id
from read_parquet('{lake}/ledger/*.parquet');
