"""Web accounts: each user belongs to a region and holds one role there."""
