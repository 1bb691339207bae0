from django.conf import settings
from django.db import models


class Customer(models.Model):
    email = models.TextField(unique=True)
    name = models.TextField()
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)


class Order(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    status = models.TextField(default="pending")
    total_cents = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(check=models.Q(total_cents__gte=0), name="order_total_cents_gte_0")]
