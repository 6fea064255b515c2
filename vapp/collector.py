"""The garbage collector in a web worker: what the worker has built by its first requests
(Django's models, URL patterns and templates, the translations, the kept values of the pages it
answered) lasts as long as the worker, yet every full collection walked all of it: about 150,000
objects, a pause of 30 to 70 ms every few hundred requests on the archive, which made the
p99 latencies of pages alike differ 2 to 5 times between two runs (bench/pages_bench.py). After
GC_FREEZE_AFTER_REQUESTS requests the worker collects once and moves what is left out of the
collector's reach (gc.freeze): later full collections walk what came after, a pause of 3 to
6 ms. Frozen objects are still freed when nothing refers to them; only a reference cycle among
them that becomes garbage later is never collected."""

import gc
import threading

from django.core.signals import request_finished


class FreezeAfterWarmUp:
    """A request_finished receiver that freezes the collector's objects once, after `after`
    requests (never for 0)."""

    def __init__(self, after):
        self.after = after
        self.answered = 0
        self.lock = threading.Lock()

    def __call__(self, **kwargs):
        if not self.after or self.answered > self.after:
            return
        with self.lock:
            self.answered += 1
            if self.answered != self.after:
                return
        gc.collect()
        gc.freeze()


def freeze_after_warm_up(after):
    """Connect a FreezeAfterWarmUp(after) for this process (the web server's: vapp/wsgi.py)."""
    receiver = FreezeAfterWarmUp(after)
    request_finished.connect(receiver, weak=False, dispatch_uid="vapp.collector")
    return receiver
