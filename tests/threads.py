"""Run code in several threads at once, each with its own database connection."""

import threading

from django.db import connection


def run_together(*calls) -> list[Exception]:
    """Run the calls in threads released at the same moment; return what they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[Exception] = []

    def run(call):
        try:
            barrier.wait()
            call()
        except Exception as error:  # reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return errors
