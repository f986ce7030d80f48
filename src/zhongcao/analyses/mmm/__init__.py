"""Marketing-mix model: baseline + saturation(adstock(spend)) per channel, Bayesian, with ROI and carry-over."""
