"""The platform admin's view of activities, offers and venues: to look a record up and mend one.
Places are taken and given back by the services (conditional updates), not here."""

from django.contrib import admin

from .models import Activity, Booking, Discount, Offer, Venue


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "org", "starts_at", "capacity", "remaining", "cancelled")
    list_filter = ("cancelled",)
    search_fields = ("title",)
    readonly_fields = ("remaining",)
    raw_id_fields = ("created_by",)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("title", "org", "mode", "quantity", "remaining", "opens_at", "closes_at", "drawn_at")
    list_filter = ("mode",)
    search_fields = ("title",)
    readonly_fields = ("remaining", "seed", "drawn_at")
    raw_id_fields = ("created_by",)


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ("name", "org", "site", "capacity", "shared_under", "auto_approve", "active")
    list_filter = ("active", "auto_approve")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("venue", "org", "starts_at", "ends_at", "status")
    list_filter = ("status",)
    raw_id_fields = ("booked_by", "decided_by")


@admin.register(Discount)
class DiscountAdmin(admin.ModelAdmin):
    list_display = ("title", "merchant", "org", "category", "valid_from", "valid_until")
    list_filter = ("category",)
    search_fields = ("title", "merchant")
