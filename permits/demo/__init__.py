"""Demo data of the permits floor: regions, departments, permit catalogues, powers, one-things.

Idempotent (natural keys are checked before anything is written) and deterministic (seeded
random.Random), so `seed_demo` can run on every `make run`.
"""
from dataclasses import dataclass, field

from .catalogue import seed_permit_catalogues
from .departments import seed_departments
from .onething import seed_one_things
from .powers import seed_powers
from .regions import seed_regions


@dataclass
class PermitDemo:
    """What the upper floors' demo builders need from this one."""

    city: object = None
    areas: dict = field(default_factory=dict)
    townships: dict = field(default_factory=dict)
    departments: dict = field(default_factory=dict)  # short name → Department
    edition: object = None  # the published 2023 permit catalogue


def seed_permits_demo(*, scale=1, log=lambda message: None):
    areas, townships = seed_regions()
    city = areas["city"]
    departments = seed_departments(city)
    edition = seed_permit_catalogues(city, departments, scale=scale, log=log)
    demo = PermitDemo(city=city, areas=areas, townships=townships, departments=departments, edition=edition)
    seed_powers(demo, log=log)
    seed_one_things(demo, log=log)
    return demo
