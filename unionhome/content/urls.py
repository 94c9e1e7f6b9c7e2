"""News and notices."""

from django.urls import path

from . import views

urlpatterns = [
    path("news/", views.news, name="news"),
    path("news/<id:pk>/", views.article, name="article"),
    path("news/<id:pk>/image/", views.article_image, name="article-image"),
    path("staff/news/", views.staff_news, name="staff-news"),
    path("staff/news/new/", views.staff_article, name="staff-article-new"),
    path("staff/news/<id:pk>/", views.staff_article, name="staff-article"),
    path("staff/notices/", views.staff_notices, name="staff-notices"),
    path("staff/notices/new/", views.staff_notice_new, name="staff-notice-new"),
    path("staff/notices/<id:pk>/", views.staff_notice, name="staff-notice"),
]
