from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    # console: the catalogue (learning.view reads, learning.manage edits) and the completion reports
    path("console/learning/", views.console_courses, name="console_courses"),
    path("console/learning/courses/new/", views.console_course_new, name="console_course_new"),
    path("console/learning/courses/<str:public_id>/", views.console_course, name="console_course"),
    path("console/learning/courses/<str:public_id>/lessons/new/", views.console_lesson_new, name="console_lesson_new"),
    path("console/learning/courses/<str:public_id>/lessons/<str:lesson_id>/", views.console_lesson, name="console_lesson"),
    path("console/learning/courses/<str:public_id>/lessons/<str:lesson_id>/file/", views.console_lesson_file,
         name="console_lesson_file"),
    path("console/learning/courses/<str:public_id>/quiz/", views.console_quiz, name="console_quiz"),
    path("console/learning/paths/", views.console_paths, name="console_paths"),
    path("console/learning/paths/<str:public_id>/", views.console_path, name="console_path"),
    path("console/learning/certifications/", views.console_certifications, name="console_certifications"),
    path("console/learning/certifications/<str:public_id>/", views.console_certification, name="console_certification"),
    path("console/learning/reports/", views.console_reports, name="console_reports"),
    path("console/learning/holders/", views.console_holders, name="console_holders"),
    path("console/learning/holders.csv", views.console_holders_export, name="console_holders_export"),
    # portal: every partner role learns; partner admins also see their team's progress
    path("portal/learning/", views.portal_home, name="portal_home"),
    path("portal/learning/catalogue/", views.portal_catalogue, name="portal_catalogue"),
    path("portal/learning/courses/<str:public_id>/", views.portal_course, name="portal_course"),
    path("portal/learning/courses/<str:public_id>/lessons/<str:lesson_id>/", views.portal_lesson, name="portal_lesson"),
    path("portal/learning/courses/<str:public_id>/lessons/<str:lesson_id>/file/", views.portal_lesson_file,
         name="portal_lesson_file"),
    path("portal/learning/courses/<str:public_id>/quiz/", views.portal_quiz, name="portal_quiz"),
    path("portal/learning/courses/<str:public_id>/quiz/attempts/<str:attempt_id>/", views.portal_attempt, name="portal_attempt"),
    path("portal/learning/paths/<str:public_id>/", views.portal_path, name="portal_path"),
    path("portal/learning/certificates/", views.portal_certificates, name="portal_certificates"),
    path("portal/learning/certificates/<str:public_id>/pdf/", views.portal_certificate_pdf, name="portal_certificate_pdf"),
    path("portal/learning/team/", views.portal_team, name="portal_team"),
]
