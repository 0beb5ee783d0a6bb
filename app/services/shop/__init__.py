"""The honour shop (积分超市): goods and stock, redemptions and their reversals, balances, the board."""
