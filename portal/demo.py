"""The demo data of the whole portal: each floor seeds its own part, top down in dependency order."""
from permits.demo import seed_permits_demo


def seed_demo(*, scale=1, log=lambda message: None):
    demo = seed_permits_demo(scale=scale, log=log)
    return demo
