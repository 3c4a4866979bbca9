"""Palermo's shared mechanisms: policies, grants, audit, imports, jobs, tables, exports, search.

Modules plug into these through registries; nothing here names a module. The package holds no
domain models (participants, users and roles are ``core``'s); its Django app ``platform`` holds
only the mechanism's own records (grants, read events).
"""
