"""vapp/collector.py: a web worker freezes the collector's objects once, after its warm-up."""

import gc

from django.test import Client

from vapp import collector


def test_the_collector_is_frozen_once_after_the_warm_up_requests(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    receiver = collector.FreezeAfterWarmUp(3)
    for _ in range(2):
        receiver()
    assert calls == []
    receiver()
    assert calls == ["collect", "freeze"]  # garbage collected first, never frozen
    for _ in range(10):
        receiver()
    assert calls == ["collect", "freeze"]


def test_no_freeze_for_zero(monkeypatch):
    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    receiver = collector.FreezeAfterWarmUp(0)
    for _ in range(5):
        receiver()
    assert calls == []


def test_a_worker_freezes_after_answering_its_warm_up_requests(db, monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    receiver = collector.freeze_after_warm_up(2)
    try:
        client = Client()
        client.get("/robots.txt")
        assert frozen == []
        client.get("/robots.txt")
        assert frozen == [True] and receiver.answered == 2
    finally:
        assert collector.request_finished.disconnect(dispatch_uid="vapp.collector")


def test_freezing_leaves_the_objects_alive_and_out_of_the_collectors_walks():
    before = gc.get_freeze_count()
    kept = [[n] for n in range(1000)]
    gc.freeze()
    try:
        assert gc.get_freeze_count() >= before + 1000
        walked = {id(o) for o in gc.get_objects()}
        assert all(id(item) not in walked for item in kept)
        assert kept[999] == [999]
    finally:
        gc.unfreeze()
