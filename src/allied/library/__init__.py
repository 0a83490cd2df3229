"""The content library: battlecards, one-pagers, decks, videos and price sheets with versions, tags and
search, visible by partner type and tier; every view and download is an engagement signal per partner."""
