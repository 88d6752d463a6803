"""Web routes for contacts (included from kith.web.urls): the address-book settings page, the
.vcf download, and the CardDAV server with its well-known entry point."""

from django.urls import path, re_path

from kith.contacts import carddav
from kith.web.views import contacts_pages

urlpatterns = [
    path(
        "settings/address-book/",
        contacts_pages.address_book_settings,
        name="settings_address_book",
    ),
    path(
        "settings/address-book/passwords/<int:app_password_id>/revoke/",
        contacts_pages.app_password_revoke,
        name="settings_app_password_revoke",
    ),
    path("contacts.vcf", contacts_pages.download_vcf, name="contacts_vcf"),
    re_path(r"^\.well-known/carddav/?$", carddav.well_known, name="carddav_well_known"),
    path("dav/", carddav.dav_view, name="carddav_root"),
    re_path(r"^dav(?P<path>/.*)?$", carddav.dav_view, name="carddav"),
]
