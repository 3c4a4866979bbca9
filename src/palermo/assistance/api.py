"""Assistance API. (Being built.)"""

from ninja import Router

router = Router(tags=["assistance"])
