"""Topics (hashtags and named subjects people follow) and communities with their moderation."""
