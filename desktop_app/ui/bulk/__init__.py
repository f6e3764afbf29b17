"""Many records changed at once from the window: File ▸ Import… and Edit ▸ Change rows…, each through a preview."""
