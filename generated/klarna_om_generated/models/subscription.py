# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_interval import SubscriptionInterval

T = TypeVar("T", bound="Subscription")


@_attrs_define
class Subscription:
    """The cadence and product name of the subscription an order line belongs to."""

    name: str
    """ The name of the subscription product. """
    interval: str | SubscriptionInterval
    """ The cadence unit. Klarna's values are listed in `SubscriptionInterval`; other strings are accepted when
    reading. """
    interval_count: int
    """ The number of intervals. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        interval: str
        if isinstance(self.interval, SubscriptionInterval):
            interval = self.interval.value
        else:
            interval = self.interval

        interval_count = self.interval_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
                "interval": interval,
                "interval_count": interval_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        def _parse_interval(data: object) -> str | SubscriptionInterval:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                interval_type_0 = SubscriptionInterval(data)

                return interval_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(str | SubscriptionInterval, data)

        interval = _parse_interval(d.pop("interval"))

        interval_count = d.pop("interval_count")

        subscription = cls(
            name=name,
            interval=interval,
            interval_count=interval_count,
        )

        subscription.additional_properties = d
        return subscription

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
