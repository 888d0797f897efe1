"""Precise services to enterprises: an enterprise's needs tracked on the appeals' loop, the policy
catalogue and who took up which policy, 银企/保险对接 (issue 15, item 3)."""
