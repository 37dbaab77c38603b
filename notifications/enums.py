from django.db import models


class AlertKind(models.TextChoices):
    """This app's own kinds: alerts to the académie's administrators, without a due date
    (handled by reading them). Other apps register their kinds in their `deadlines.py`."""

    EXCEPTIONAL_ACCESS = "acces_exceptionnel", "Accès exceptionnel ouvert"


class ReminderStage(models.TextChoices):
    """Which reminder of a deadline; escalation levels reach the next level up."""

    BEFORE = "avant", "Échéance proche"
    DUE = "echeance", "Échéance du jour"
    OVERDUE = "retard", "Échéance dépassée"
    ESCALATION_1 = "escalade_1", "Escalade (directeur de CIO)"
    ESCALATION_2 = "escalade_2", "Escalade (IEN-IO)"


ESCALATION_STAGES = (ReminderStage.ESCALATION_1, ReminderStage.ESCALATION_2)


class SendState(models.TextChoices):
    PENDING = "en_attente", "En attente"
    SENT = "envoye", "Envoyé"
    FAILED = "echec", "En échec"
    CANCELLED = "annule", "Annulé"


class Zone(models.TextChoices):
    A = "A", "Zone A"
    B = "B", "Zone B"
    C = "C", "Zone C"
    CORSE = "corse", "Corse"
    OUTRE_MER = "outre_mer", "Outre-mer"


class ClosureKind(models.TextChoices):
    SCHOOL_HOLIDAY = "vacances", "Vacances scolaires"
    PUBLIC_HOLIDAY = "ferie", "Jour férié"


class ExamKind(models.TextChoices):
    BAC = "bac", "Baccalauréat (général, technologique, professionnel)"
    CAP = "cap", "CAP"
    BTS = "bts", "BTS"
    DNB = "dnb", "Diplôme national du brevet"
