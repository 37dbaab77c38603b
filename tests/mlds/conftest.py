import datetime as dt

import pytest
import time_machine

# Most MLDS rules are dated: the tests run on 15 October 2025 unless they move the clock.
TODAY = dt.date(2025, 10, 15)


@pytest.fixture
def frozen_today():
    with time_machine.travel(dt.datetime(2025, 10, 15, 10, 0), tick=False):
        yield TODAY
