from django.db import models


class Heartbeat(models.Model):
    """Last time a periodic job ran end to end (beat → broker → worker → database)."""

    name = models.CharField("nom", max_length=50, unique=True)
    at = models.DateTimeField("dernier battement")

    class Meta:
        verbose_name = "battement"

    def __str__(self):
        return f"{self.name} {self.at:%d/%m/%Y %H:%M:%S}"
