"""The machinery every catalogue shares; it names no catalogue.

editions and lifecycle (the lock, draft → submitted → published → archived), registry (what a
catalogue or an upper floor adds to copy, publish and the public pages), importing, exporting,
access (roles, scope, audit), cache and Chinese text.
"""
