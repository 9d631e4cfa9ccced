"""Geography: administrative boundaries of Nanning and China, shipped offline in WGS84."""

from tianluo.geo.boundaries import (
    CITY,
    CITY_CODE,
    District,
    city_bbox,
    city_boundary,
    city_districts,
    district_of,
    geojson_path,
    in_city,
    province_of,
    provinces,
    random_points_in,
)

__all__ = [
    "CITY",
    "CITY_CODE",
    "District",
    "city_bbox",
    "city_boundary",
    "city_districts",
    "district_of",
    "geojson_path",
    "in_city",
    "province_of",
    "provinces",
    "random_points_in",
]
