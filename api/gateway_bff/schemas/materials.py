"""The deal material library: what the library, material and share-link routes take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from annotated_types import Interval
from pydantic import BaseModel, BeforeValidator, Field, StringConstraints

from api.gateway_bff.schemas.knowledge import RowId, Tags
from api.gateway_bff.schemas.request_body import RequestBody
from api.gateway_bff.time_bounds import BoundedAwareDateTime
from models.materials import MaterialKind, Permission
from models.request_types import JsonInteger, trim, trimmed_text

NAME_MAX = 100
DESCRIPTION_MAX = 2000
TEXT_MAX = 20_000
TAGS_MAX = 10
FILE_NAME_MAX = 200
# A document travels base64-encoded in JSON: 4 characters per 3 bytes.
DOCUMENT_BASE64_MAX = 14 * 1024**2
ACCESS_CODE = r"^[A-Za-z0-9]{4,12}$"

Name = Annotated[
    str,
    BeforeValidator(trim),
    StringConstraints(min_length=1, max_length=NAME_MAX),
    trimmed_text(1, NAME_MAX),
]
Description = Annotated[str, BeforeValidator(trim), StringConstraints(max_length=DESCRIPTION_MAX)]
Text = Annotated[
    str,
    BeforeValidator(trim),
    StringConstraints(min_length=1, max_length=TEXT_MAX),
    trimmed_text(1, TEXT_MAX),
]
# The name's suffix says the format; the route checks it (422 naming `document.file_name`).
FileName = Annotated[
    str,
    BeforeValidator(trim),
    StringConstraints(min_length=3, max_length=FILE_NAME_MAX),
    trimmed_text(3, FILE_NAME_MAX),
]


class LibraryIn(RequestBody):
    """A new library; its creator becomes its first manager."""

    name: Name
    description: Description = ""
    bot_may_use: bool = Field(
        default=False,
        description="the bot may offer and send its materials, and reply suggestions cite them to agents who may view it",
    )


class LibraryPatch(RequestBody):
    name: Name | None = None
    description: Description | None = None
    bot_may_use: bool | None = None


class LibraryView(BaseModel):
    id: str
    name: str
    description: str
    bot_may_use: bool
    permission: Permission = Field(description="yours in this library")
    created_by: str
    created_at: datetime


class MemberIn(RequestBody):
    user_id: RowId
    permission: Permission


class MemberView(BaseModel):
    user_id: str
    username: str
    permission: Permission
    added_by: str
    created_at: datetime


class DocumentIn(RequestBody):
    """A document file: PDF, TXT, MD, CSV, DOCX, XLSX or PPTX (text is extracted from all but PDF)."""

    file_name: FileName
    content_base64: Annotated[str, StringConstraints(min_length=4, max_length=DOCUMENT_BASE64_MAX)]


class VersionContentIn(RequestBody):
    """A version's content: an uploaded image or video (`asset_id` from POST /api/v1/media), a document, or a
    text (FAQ answers and case studies)."""

    asset_id: RowId | None = Field(
        default=None, description="an upload of POST /api/v1/media (images, videos)"
    )
    document: DocumentIn | None = None
    text: Text | None = None


class MaterialIn(VersionContentIn):
    library_id: RowId
    kind: MaterialKind
    title: Name
    description: Description = ""
    tags: Tags = Field(default_factory=list, max_length=TAGS_MAX)
    expires_at: BoundedAwareDateTime | None = Field(
        default=None, description="after this the material is never sent or shared (e.g. a price sheet)"
    )
    douyin_item_id: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = Field(
        default=None, description="a video already published on Douyin: sent as that item"
    )


class VersionIn(VersionContentIn):
    note: Annotated[str, BeforeValidator(trim), StringConstraints(max_length=200)] = ""


class MaterialPatch(RequestBody):
    title: Name | None = None
    description: Description | None = None
    tags: Tags | None = None
    expires_at: BoundedAwareDateTime | None = Field(default=None, description="null: never expires")
    archived: bool | None = None


class VersionView(BaseModel):
    number: int
    file_name: str | None
    mime_type: str | None
    size_bytes: int | None
    text: str | None
    has_file: bool
    text_extracted: bool = Field(description="whether text was read from the file for search")
    note: str
    created_by: str
    created_at: datetime


class MaterialView(BaseModel):
    id: str
    library_id: str
    kind: MaterialKind
    title: str
    description: str
    tags: list[str]
    expires_at: datetime | None
    expired: bool
    archived: bool
    douyin_item_id: str | None
    current_version: VersionView | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    score: float | None = Field(default=None, description="how well it matches `q`, when searched")


class MaterialPage(BaseModel):
    items: list[MaterialView]
    total: int
    limit: int
    offset: int


class ShareIn(RequestBody):
    customer_id: RowId
    conversation_id: RowId | None = None
    expires_in_hours: Annotated[int, Interval(ge=1, le=24 * 90), JsonInteger] = Field(
        default=72, description="the link works this long (never beyond the material's own expiry)"
    )
    access_code: Annotated[str, StringConstraints(pattern=ACCESS_CODE)] | None = Field(
        default=None, description="4-12 letters or digits the customer must enter"
    )


class ShareEventView(BaseModel):
    kind: Literal["open", "download"]
    at: datetime
    user_agent: str


class ShareView(BaseModel):
    id: str
    url: str
    material_id: str
    version: int
    customer_id: str
    conversation_id: str | None
    expires_at: datetime
    has_access_code: bool
    shared_by: str
    user_id: str | None
    created_at: datetime
    opens: int
    downloads: int
    events: list[ShareEventView] = Field(default_factory=list)


class MaterialSendIn(RequestBody):
    material_id: RowId
