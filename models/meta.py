"""Key/value settings of one database: schema version, this terminal's identity."""

from sqlmodel import Field

from models._columns import TableModel


class Setting(TableModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str
