"""Report endpoints: indicator families aggregated in SQL, as paginated JSON or streamed CSV,
and the nominative list of enrolments behind the dropout indicator."""

from dataclasses import dataclass

from django.db.models import BooleanField, Case, Func, IntegerField, Value, When, Window
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.enums import ScopeLevel
from accounts.perms import SCOPED, HasScopedRole
from audit.api import ListReadLogMixin
from audit.models import AccessLog
from audit.services import log_list_read
from config.api.pagination import DefaultPagination, strict_int
from students.enums import Level
from students.models import Enrolment, Student
from territories.enums import Voie
from territories.models import Etablissement

from .. import conf, summary
from ..csvutils import csv_lines
from ..enums import TerritoryLevel
from ..indicators import (
    ROW_KEYS,
    aggregate,
    dropout_q,
    families,
    get_family,
    is_summary,
    present,
    scoped,
)
from .authentication import ApiKeyAuthentication
from .filters import TERRITORY_FILTERS, DropoutEnrolmentFilter, report_filterset
from .schema import COMMON_ERRORS, error_responses, paginated
from .serializers import (
    DIMENSIONS_PATTERN,
    DropoutEnrolmentSerializer,
    FamilySerializer,
    IndicatorRowSerializer,
    ReportQuerySerializer,
)
from .throttling import ApiClientRateThrottle

# Grouping levels a scope may ask for: never coarser than the scope itself, so a row
# labelled "académie" always means the whole académie.
ALLOWED_GROUPINGS = {
    ScopeLevel.ACADEMIE: set(TerritoryLevel.values),
    ScopeLevel.DEPARTEMENT: {"departement", "bassin", "reseau", "etablissement"},
    ScopeLevel.BASSIN: {"bassin", "etablissement"},
    ScopeLevel.RESEAU: {"reseau", "etablissement"},
    ScopeLevel.ETABLISSEMENT: {"etablissement"},
}
TERRITORY_LABELS = {
    "departement": "département",
    "bassin": "bassin",
    "reseau": "réseau FoQualE",
    "etablissement": "établissement",
}


class CountAll(Func):
    template = "COUNT(*)"
    window_compatible = True
    output_field = IntegerField()


class GroupCount(Window):
    """COUNT(*) OVER (): the number of groups of an aggregated query, on each of its rows."""

    def __init__(self):
        super().__init__(expression=CountAll(), output_field=IntegerField())


def page_params(request) -> tuple[int, int]:
    number = strict_int(request, "page", default=1)
    size = strict_int(
        request,
        "page_size",
        default=ReportPagination.page_size,
        maximum=ReportPagination.max_page_size,
    )
    return number, size


class ReportPagination(DefaultPagination):
    page_size = 100
    max_page_size = 1000


class ReportApiView:
    """Common access, authentication and throttling of the report endpoints."""

    access_scope = SCOPED
    access_nominative = False
    permission_classes = [HasScopedRole]
    authentication_classes = [ApiKeyAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    throttle_classes = [ApiClientRateThrottle, *api_settings.DEFAULT_THROTTLE_CLASSES]

    def perform_content_negotiation(self, request, force=False):
        # CSV endpoints stream their own body; errors always answer in JSON.
        return super().perform_content_negotiation(request, force=True)

    def throttled(self, request, wait):
        raise exceptions.Throttled(
            wait, detail="Trop de requêtes pour ce compte ou cette clé d'API."
        )


def check_territories(data: dict, user) -> None:
    """404 for a territory filter that is unknown or outside the scope (same answer for both,
    so an outsider learns nothing)."""
    role = user.active_role
    for name, path in TERRITORY_FILTERS.items():
        value = data.get(name)
        if value in (None, ""):
            continue
        if not Etablissement.objects.filter(role.school_q()).filter(**{path: value}).exists():
            raise exceptions.NotFound(
                f"Territoire inconnu ou hors de votre périmètre : {TERRITORY_LABELS[name]} "
                f"« {value} »."
            )


def family_or_404(slug):
    family = get_family(slug)
    if family is None or not family.available():
        raise exceptions.NotFound(f"Indicateur inconnu : « {slug} ».")
    return family


# Territory levels from the coarsest; réseau sits beside the hierarchy, above its schools.
HIERARCHY = ["academie", "departement", "bassin", "etablissement"]


def contains(outer: str, inner: str) -> bool:
    """Does every `outer` territory hold whole `inner` territories?"""
    if outer == inner or inner == "etablissement":
        return True
    return (
        outer in HIERARCHY
        and inner in HIERARCHY
        and HIERARCHY.index(outer) < HIERARCHY.index(inner)
    )


def check_masked_query(data: dict, territory: str, dims: list, role) -> dict:
    """A masked reader may only ask for nodes of the suppression lattice (whole territories,
    single values or totals): otherwise two overlapping answers would subtract into a hidden
    cell. Returns the coordinates fixed by filters."""
    errors = []
    for name in TERRITORY_FILTERS:
        if data.get(name) not in (None, "") and not contains(name, territory):
            errors.append(
                f"Filtre « {TERRITORY_LABELS[name]} » impossible avec un regroupement par "
                f"{TerritoryLevel(territory).label.lower()} : les cellules de moins de 5 "
                "élèves sont masquées, regroupez par un territoire contenu dans le filtre."
            )
    if territory == "reseau" and role.scope_level not in (ScopeLevel.ACADEMIE, ScopeLevel.RESEAU):
        errors.append(
            "Regroupement par réseau impossible depuis ce périmètre : un réseau peut déborder "
            "du périmètre, et ses chiffres partiels permettraient de retrouver des cellules "
            "masquées."
        )
    ranged = data.get("annee_min") is not None or data.get("annee_max") is not None
    if ranged and "annee" not in dims:
        errors.append(
            "Avec des cellules masquées, une période de plusieurs années se lit année par "
            "année : ajoutez annee à « par »."
        )
    if errors:
        raise exceptions.ValidationError({"non_field_errors": errors})
    fixed = {}
    for dim, value in (("voie", data.get("voie")), ("niveau", data.get("niveau"))):
        if value:
            fixed[dim] = value
    if data.get("annee") is not None:
        fixed["annee"] = data["annee"]
    return fixed


@dataclass
class ReportRows:
    rows: object  # aggregated values QuerySet
    territory: str
    masked: bool
    secondary: frozenset
    fixed: dict
    refresh: object  # IndicatorRefresh or None (computed live)

    def present(self, family, row) -> dict:
        return present(
            family,
            row,
            territory=self.territory,
            masked=self.masked,
            secondary=self.secondary,
            fixed=self.fixed,
        )


def report_rows(request, family) -> ReportRows:
    """The aggregated rows for the request's parameters, and how to publish them."""
    params = ReportQuerySerializer(data=request.query_params)
    params.is_valid(raise_exception=True)
    territory = params.validated_data["territoire"]
    role = request.user.active_role
    if territory not in ALLOWED_GROUPINGS[role.scope_level]:
        raise exceptions.ValidationError(
            {
                "territoire": [
                    f"Regroupement par {TerritoryLevel(territory).label.lower()} impossible : "
                    "il dépasse votre périmètre."
                ]
            }
        )
    source = scoped(family, request.user)
    filterset = report_filterset(family)(request.query_params, queryset=source)
    if not filterset.is_valid():
        raise exceptions.ValidationError(filterset.errors)
    check_territories(filterset.form.cleaned_data, request.user)
    dims = params.validated_data["par"]
    masked = not role.is_nominative
    refresh = summary.latest_refresh(family.slug) if is_summary(family, source) else None
    fixed, secondary = {}, frozenset()
    if masked:
        fixed = check_masked_query(filterset.form.cleaned_data, territory, dims, role)
        secondary = summary.masks_for(refresh)
    qs = aggregate(family, filterset.qs, territory=territory, dimensions=dims)
    return ReportRows(qs, territory, masked, secondary, fixed, refresh)


def report_parameters():
    params = [
        OpenApiParameter(
            "famille",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="Code de la famille d'indicateurs (voir /api/v1/indicateurs/).",
        ),
        OpenApiParameter(
            "territoire",
            OpenApiTypes.STR,
            enum=TerritoryLevel.values,
            description="Niveau de regroupement territorial (défaut : etablissement). "
            "Jamais plus large que le périmètre du compte ou de la clé.",
        ),
        OpenApiParameter(
            "par",
            OpenApiTypes.STR,
            pattern=DIMENSIONS_PATTERN,
            description="Dimensions de regroupement, séparées par des virgules parmi voie, "
            "niveau, annee (défaut : voie,niveau,annee ; vide : un total par territoire).",
        ),
        OpenApiParameter("departement", OpenApiTypes.STR, description="Code du département."),
        OpenApiParameter("bassin", OpenApiTypes.STR, description="Code du bassin."),
        OpenApiParameter("reseau", OpenApiTypes.UUID, description="Identifiant du réseau FoQualE."),
        OpenApiParameter("etablissement", OpenApiTypes.STR, description="UAI de l'établissement."),
        OpenApiParameter("voie", OpenApiTypes.STR, enum=Voie.values, description="Voie."),
        OpenApiParameter("niveau", OpenApiTypes.STR, enum=Level.values, description="Niveau."),
    ]
    for name, label in (
        ("annee", "Année scolaire (année de la rentrée, ex. 2024 pour 2024-2025)."),
        ("annee_min", "Depuis l'année scolaire."),
        ("annee_max", "Jusqu'à l'année scolaire."),
    ):
        params.append(OpenApiParameter(name, OpenApiTypes.INT, description=label))
    return params  # fmt: skip


def indicator_csv_response(family, report: ReportRows, filename):
    measures = [m.name for m in family.measures]

    def lines():
        for row in report.rows.iterator(chunk_size=conf.csv_chunk_size()):
            shown = report.present(family, row)
            yield [
                *(shown[k] for k in ROW_KEYS),
                *(shown["valeurs"][m] for m in measures),
                ",".join(shown["masquees"]),
            ]

    response = StreamingHttpResponse(
        csv_lines([*ROW_KEYS, *measures, "cellules_masquees"], lines()),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class FamilyListView(ReportApiView, APIView):
    @extend_schema(
        operation_id="indicateurs_liste",
        summary="Familles d'indicateurs disponibles",
        responses={200: FamilySerializer(many=True), **COMMON_ERRORS},
        tags=["indicateurs"],
    )
    def get(self, request):
        available = [f for f in families() if f.available()]
        return Response(FamilySerializer(available, many=True).data)


class IndicatorView(ReportApiView, generics.GenericAPIView):
    pagination_class = ReportPagination
    serializer_class = IndicatorRowSerializer

    @extend_schema(
        operation_id="indicateurs_lire",
        summary="Valeurs d'une famille d'indicateurs, agrégées par territoire",
        description="Agrégats calculés en SQL sur le périmètre du compte ou de la clé. Sans "
        "droit nominatif (pilote académique, clé « agrégats »), toute cellule de moins de 5 "
        "élèves est masquée (null) ainsi que les taux qui en dépendent.",
        parameters=[
            *report_parameters(),
            OpenApiParameter("page", OpenApiTypes.INT, description="Numéro de page."),
            OpenApiParameter(
                "page_size", OpenApiTypes.INT, description="Lignes par page (1000 au plus)."
            ),
        ],
        responses={
            200: paginated(
                "IndicateurPage",
                IndicatorRowSerializer,
                {
                    "indicateur": serializers.CharField(),
                    "territoire": serializers.CharField(),
                    "masquage": serializers.BooleanField(),
                    "chiffres_au": serializers.DateTimeField(
                        allow_null=True,
                        help_text="Date des chiffres précalculés ; null : calculés à l'instant.",
                    ),
                },
            ),
            **error_responses("400", "401", "403", "404", "429"),
        },
        tags=["indicateurs"],
    )
    def get(self, request, famille):
        family = family_or_404(famille)
        report = report_rows(request, family)
        number, size = page_params(request)
        # One query: the page of groups, each row carrying the number of groups (window).
        page = list(
            report.rows.annotate(total_groups=GroupCount())[(number - 1) * size : number * size]
        )
        count = page[0]["total_groups"] if page else 0
        if not page and number > 1:
            raise exceptions.NotFound("Page invalide : au-delà de la dernière page.")

        def link(n):
            if n < 1 or (n - 1) * size >= count:
                return None
            return replace_query_param(request.build_absolute_uri(), "page", n)

        return Response(
            {
                "count": count,
                "next": link(number + 1),
                "previous": link(number - 1),
                "indicateur": family.slug,
                "territoire": report.territory,
                "masquage": report.masked,
                "chiffres_au": report.refresh.refreshed_at if report.refresh else None,
                "results": [report.present(family, r) for r in page],
            }
        )


class IndicatorCsvView(ReportApiView, APIView):
    @extend_schema(
        operation_id="indicateurs_csv",
        summary="Même indicateur en CSV (flux, séparateur point-virgule)",
        description="Toutes les lignes, sans pagination, envoyées au fil de l'eau. Les "
        "cellules commençant par = + - @ sont préfixées d'une apostrophe (injection de "
        "formules). Colonnes : territoire_niveau, territoire_code, territoire_nom, voie, "
        "niveau, annee, puis une colonne par mesure, puis cellules_masquees.",
        parameters=report_parameters(),
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Fichier CSV."),
            **error_responses("400", "401", "403", "404", "429"),
        },
        tags=["indicateurs"],
    )
    def get(self, request, famille):
        family = family_or_404(famille)
        report = report_rows(request, family)
        return indicator_csv_response(
            family, report, f"indicateurs-{family.slug}-{report.territory}.csv"
        )


def dropout_enrolments(user):
    """Enrolments in the scope's schools of the pupils the account may see: the same
    `visible_to` as the pupil pages, so a pupil who moved on to another school's scope (or
    whom the role does not follow) is not listed by name here either."""
    role = user.active_role
    return (
        Enrolment.objects.filter(role.school_q("school__"))
        .filter(student__in=Student.objects.visible_to(user).values("pk"))
        .annotate(
            is_dropout=Case(
                When(dropout_q(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )  # fmt: skip
    )


class DropoutEnrolmentListView(ListReadLogMixin, ReportApiView, generics.ListAPIView):
    """Nominative: the enrolments of the scope with their dropout status (same rule as the
    indicator). Only for roles and keys with nominative rights."""

    access_nominative = True
    serializer_class = DropoutEnrolmentSerializer
    filterset_class = DropoutEnrolmentFilter
    pagination_class = ReportPagination
    queryset = Enrolment.objects.none()  # for the schema; requests use get_queryset()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (
            dropout_enrolments(self.request.user)
            .select_related("student", "school")
            .order_by("school_year", "school_id", "id")
        )

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        check_territories(self.request.query_params, self.request.user)
        return queryset

    @extend_schema(
        operation_id="decrochage_inscriptions",
        summary="Inscriptions du périmètre et statut de décrocheur (nominatif)",
        responses={
            200: DropoutEnrolmentSerializer(many=True),
            **error_responses("400", "401", "403", "404", "429"),
        },
        tags=["indicateurs"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def read_log_object_type(self) -> str:
        return "decrochage_inscriptions"


CSV_ENROLMENT_COLUMNS = [
    ("ine", "student__ine"),
    ("nom", "student__last_name"),
    ("prenom", "student__first_name"),
    ("date_naissance", "student__birth_date"),
    ("etablissement", "school__uai"),
    ("annee", "school_year"),
    ("voie", "voie"),
    ("niveau", "level"),
    ("date_sortie", "exit_date"),
    ("motif_sortie", "exit_reason"),
    ("decrocheur", "is_dropout"),
]


class DropoutEnrolmentCsvView(DropoutEnrolmentListView):
    pagination_class = None

    @extend_schema(
        operation_id="decrochage_inscriptions_csv",
        summary="Inscriptions et statut de décrocheur en CSV (nominatif, flux)",
        description="Colonnes : " + ", ".join(c for c, _ in CSV_ENROLMENT_COLUMNS) + ".",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="Fichier CSV."),
            **error_responses("400", "401", "403", "404", "429"),
        },
        tags=["indicateurs"],
    )
    def get(self, request, *args, **kwargs):
        filtered = self.filter_queryset(self.get_queryset())
        qs = filtered.values_list(*(path for _, path in CSV_ENROLMENT_COLUMNS))
        # Logged before the first byte leaves: one query for the pupils' ids, one insert.
        student_ids = list(filtered.values_list("student_id", flat=True))
        log_list_read(
            request=request,
            object_type="decrochage_inscriptions",
            student_ids=student_ids,
            row_count=len(student_ids),
            channel=AccessLog.Channel.EXPORT,
        )
        response = StreamingHttpResponse(
            csv_lines(
                [c for c, _ in CSV_ENROLMENT_COLUMNS],
                qs.iterator(chunk_size=conf.csv_chunk_size()),
            ),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="decrochage-inscriptions.csv"'
        return response
