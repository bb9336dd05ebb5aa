"""Public questionnaire form (/q/{slug}) and staff poster endpoint. (Being built.)"""

from fastapi import APIRouter

router = APIRouter()
