from datetime import date
from django.db import connection
from django.test.utils import CaptureQueriesContext
def test_explore(db, user_client):
    from palermo.treaties.models import TreatyAction
    from palermo.core.models import Participant
    print(Participant.objects.count(), Participant.objects.exclude(m49_code="").count())
    have = set(TreatyAction.objects.values_list("participant__code", flat=True))
    print(sorted(p for p in Participant.objects.filter(un_member=True).values_list("code", flat=True) if p not in have)[:40])
    print(TreatyAction.objects.filter(participant__code__in=["BRA","BHR","AND"]).values_list("participant__code","instrument__code","kind","date","source"))
    c = user_client(None)
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/treaties/participants/?instrument=UNTOC&on=2003-10-01")
    for q in ctx.captured_queries: print(q["sql"][:150])
    with CaptureQueriesContext(connection) as ctx:
        r = c.get("/api/treaties/status?instrument=UNTOC&on=2003-10-01")
    for q in ctx.captured_queries: print(q["sql"][:150])
