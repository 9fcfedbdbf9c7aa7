"""The registry (建档立卡): regions, households, members, incomes, cadres and the change log."""
