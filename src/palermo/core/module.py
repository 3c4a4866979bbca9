"""What core plugs into the platform: its reference data and demo users, loaded first."""

from palermo.platform.registry import DataLoader, register_demo_content, register_reference_data


def _reference(progress):
    from .reference import load_reference_data

    loaded = load_reference_data(progress)
    return (
        f"{loaded['participants']} participants, {loaded['regions']} regions, "
        f"{loaded['groups']} UN regional groups",
        [],
    )


def _demo(progress):
    from .demo import DEMO_PASSWORD, load_demo_users

    users = load_demo_users()
    notes = [f"Demo logins (password for all: {DEMO_PASSWORD}) — fictional users:"]
    notes += [f"  {name:<14} {role}{f' ({state})' if state else ''}" for name, role, state in users]
    return f"{len(users)} demo users", notes


register_reference_data(DataLoader("core", _reference, order=0))
register_demo_content(DataLoader("core", _demo, order=0))
