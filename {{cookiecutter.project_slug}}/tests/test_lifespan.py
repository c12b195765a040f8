"""What the service sets up when it starts: the garbage collector's tuning (see main.py)."""

import gc

from {{ cookiecutter.package_name }}.main import GC_THRESHOLD, app, lifespan


async def test_startup_freezes_the_heap_and_collects_less_often() -> None:
    before = gc.get_threshold()
    try:
        async with lifespan(app):
            assert gc.get_threshold()[0] == GC_THRESHOLD
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
