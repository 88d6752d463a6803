"""Logging in with a handle or an email address."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from kith.people.models import Person
from kith.people.validators import normalise_handle


class HandleOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        username = username.strip()
        if "@" in username.lstrip("@"):
            person = Person.objects.filter(email__iexact=username).first()
        else:
            person = Person.objects.filter(handle=normalise_handle(username)).first()
        if person is None:
            Person().set_password(password)  # same work as a real check, so timing says nothing
            return None
        if person.check_password(password) and self.user_can_authenticate(person):
            return person
        return None
