"""Stories: copy groups of near-duplicate bodies and stories of articles about one event."""

from presswatch.stories.cluster import StoryIndex, assign_stories

__all__ = ["StoryIndex", "assign_stories"]
