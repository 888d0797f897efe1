"""Masking of sensitive values for display (domain.md privacy: `150502********1234`, `138****5678`)."""


def mask_id_number(value: str | None) -> str:
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_text(value: str | None) -> str:
    """Free text about a person: only its length is shown."""
    if not value:
        return ""
    return f"〔已隐藏，{len(value)} 字〕"


def mask_name(value: str | None) -> str:
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def mask_birth_date(value) -> str:
    """A birth date shown as its year only: beside a masked ID (`150502********1234`) the full date would give
    the eight hidden digits back."""
    if not value:
        return ""
    return f"{str(value)[:4]}-**-**"


MASKS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "text": mask_text,
    "name": mask_name,
    "birth_date": mask_birth_date,
}


def mask(kind: str, value: str | None) -> str:
    return MASKS[kind](value)
