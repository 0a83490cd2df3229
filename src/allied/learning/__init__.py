"""Enablement: courses of lessons with quizzes, learning paths per partner type, role and tier, and
certifications with validity periods, expiry reminders and re-certification. A completed course and an
earned certification are recorded as partner achievements, so tier rules count them."""
