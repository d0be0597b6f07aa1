"""The composition root of the consumers: which components exist and where their
subscriptions are defined. `manage.py consume <component>` runs one of them.

A component module may also define `check()`, run once before consuming, to refuse to start
(by raising, with a message for the operator) when something it needs is missing."""

from __future__ import annotations

from importlib import import_module

from message_store.consumer import Subscription

COMPONENTS = {
    "catalog": "catalog.component",
    "transcode": "transcode.component",
    "transcribe": "transcribe.component",
    "videos": "videos.component",
}


def subscriptions(component: str) -> list[Subscription]:
    """The subscriptions of a component, by name (KeyError when there is no such component)."""
    return import_module(COMPONENTS[component]).subscriptions()


def check(component: str) -> None:
    """Run the component's start-up check, if it has one."""
    module = import_module(COMPONENTS[component])
    if hasattr(module, "check"):
        module.check()
