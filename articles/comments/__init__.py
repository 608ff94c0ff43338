"""Comments on a segment: a thread per segment, `@username` mentions and their notifications."""
