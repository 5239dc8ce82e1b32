from django.urls import path

from nashr.federation import views

app_name = "federation"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path("ap/inbox", views.shared_inbox, name="shared_inbox"),
    path("ap/p/<int:pk>", views.article, name="article"),
    path("ap/actors/<str:name>", views.actor, name="actor"),
    path("ap/actors/<str:name>/inbox", views.inbox, name="inbox"),
    path("ap/actors/<str:name>/outbox", views.outbox, name="outbox"),
    path("ap/actors/<str:name>/followers", views.followers, name="followers"),
]
