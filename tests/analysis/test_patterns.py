"""Payment patterns (``analysis.patterns``), plain: each pattern found where it was put, with
the payments it rests on, and not found in look-alikes that miss one of its conditions."""

from datetime import date, datetime, timedelta

from palermo.analysis.patterns import Settings, Transfer, find

DAY = datetime(2024, 3, 1, 9, 0)


def pay(i, source, target, amount, days=0.0, currency="EUR"):
    return Transfer(f"p{i}", source, target, amount, currency, DAY + timedelta(days=days))


def test_fan_in_within_the_window_and_not_beyond():
    fan = [pay(i, f"payer{i}", "hub", 1000, days=i) for i in range(5)]  # 5 payers in 4 days
    report = find(fan, labels={"hub": "Hub Ltd (fictional)"})
    [finding] = report.of("fan-in")
    assert finding.entities[0] == "hub" and len(finding.transfers) == 5
    assert finding.total == 5000 and finding.currency == "EUR"
    assert finding.explanation.startswith("5 different payers")
    assert (
        "Hub Ltd (fictional)" in finding.explanation
        and "2024-03-01 and 2024-03-05" in finding.explanation
    )
    spread = [pay(i, f"payer{i}", "hub", 1000, days=3 * i) for i in range(5)]  # over 12 days
    assert find(spread).of("fan-in") == []
    same_payer = [pay(i, "payer", "hub", 1000, days=i) for i in range(8)]  # one payer, 8 times
    assert find(same_payer).of("fan-in") == []


def test_fan_out_is_one_payer_to_many():
    fan = [pay(i, "hub", f"mule{i}", 900, days=i / 2) for i in range(6)]
    [finding] = find(fan).of("fan-out")
    assert finding.entities[0] == "hub" and len(finding.entities) == 7
    assert find(fan, Settings(fan_count=7)).of("fan-out") == []


def test_a_cycle_returns_to_its_origin_in_time_order():
    cycle = [pay(1, "A", "B", 50_000), pay(2, "B", "C", 49_000, 2), pay(3, "C", "A", 48_000, 5)]
    [finding] = find(cycle, labels={"A": "Alpha"}).of("cycle")
    assert finding.transfers == ("p1", "p2", "p3") and set(finding.entities) == {"A", "B", "C"}
    assert "Alpha → B → C → Alpha" in finding.explanation
    # Each payment before the one it would follow, whichever is taken first: no cycle in time.
    backwards = [
        pay(1, "A", "B", 50_000, 5),
        pay(2, "B", "C", 49_000, 0),
        pay(3, "C", "A", 48_000, 6),
    ]
    assert find(backwards).of("cycle") == []
    # Too slow: beyond the window.
    slow = [pay(1, "A", "B", 50_000), pay(2, "B", "C", 49_000, 20), pay(3, "C", "A", 48_000, 40)]
    assert find(slow).of("cycle") == []
    # Too long a chain for the rule.
    chain = [pay(i, f"N{i}", f"N{i + 1}", 100, i) for i in range(5)] + [pay(9, "N5", "N0", 100, 6)]
    assert len(find(chain).of("cycle")) == 0
    assert len(find(chain, Settings(cycle_length=6)).of("cycle")) == 1


def test_structuring_just_under_the_threshold():
    under = [pay(i, "smurf", f"bank{i}", 9_500 + 100 * i, days=3 * i) for i in range(4)]
    [finding] = find(under).of("structuring")
    assert finding.entities == ("smurf",) and len(finding.transfers) == 4
    assert finding.total == sum(9_500 + 100 * i for i in range(4))
    assert "just under the reporting threshold" in finding.explanation
    over = [pay(i, "smurf", f"bank{i}", 10_000, days=i) for i in range(4)]  # at the threshold
    assert find(over).of("structuring") == []
    far_below = [pay(i, "smurf", f"bank{i}", 5_000, days=i) for i in range(4)]
    assert find(far_below).of("structuring") == []
    two = under[:2]
    assert find(two).of("structuring") == []
    other_currency = [
        pay(i, "smurf", "b", 9_600, days=i, currency=["EUR", "USD"][i % 2]) for i in range(4)
    ]
    assert find(other_currency).of("structuring") == []  # two of each: not three of one


def test_pass_through_sends_most_of_it_on_quickly():
    quick = [
        pay(1, "origin", "mule", 20_000),
        pay(2, "mule", "dest1", 12_000, 1),
        pay(3, "mule", "dest2", 7_000, 1.5),
    ]
    [finding] = find(quick).of("pass-through")
    assert finding.entities[:2] == ("mule", "origin") and finding.transfers == ("p1", "p2", "p3")
    assert "sent 19,000.00 EUR on within 2 days" in finding.explanation
    kept = [pay(1, "origin", "mule", 20_000), pay(2, "mule", "dest1", 5_000, 1)]
    assert find(kept).of("pass-through") == []
    late = [pay(1, "origin", "mule", 20_000), pay(2, "mule", "dest1", 20_000, 5)]
    assert find(late).of("pass-through") == []
    back = [pay(1, "origin", "mule", 20_000), pay(2, "mule", "origin", 20_000, 1)]
    assert find(back).of("pass-through") == []  # a refund, not a pass-through


def test_undated_and_empty_payments_are_left_out_and_counted():
    report = find([Transfer("x", "A", "B", 100, "EUR", None), pay(2, "A", "B", 0)])
    assert report.undated == 1 and report.findings == []
    assert find([Transfer("d", "A", "B", 9_900, "EUR", date(2024, 1, 1))]).findings == []
