"""The Qt side of Stockroom: table models, views and dialogs over the cache, the sync engine and the client."""
