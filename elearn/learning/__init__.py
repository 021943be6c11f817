"""Learning services: enrolment and progress, quizzes, completion (with the
certificate it issues) and mandatory-course assignments.

Plain functions with explicit arguments, tested without HTTP: nothing here
imports Flask's request machinery (request, url_for, current_app, session,
g, blueprints, current_user). Services flush; the view or command commits.
"""
