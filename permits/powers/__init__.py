"""Delegated-power catalogues 赋权目录, observation points and demonstration sites."""
