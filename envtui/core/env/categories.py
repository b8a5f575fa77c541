"""Group packages the way the reference uv migration reported them.

Categories: Core Web, AI/ML, LLM integrations, Database, Auth, Development, Utilities.
Derived from a user override, then a small built-in name table, then name prefixes, then Trove
classifiers; anything else is a Utility.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

CORE_WEB = "Core Web"
AI_ML = "AI/ML"
LLM = "LLM integrations"
DATABASE = "Database"
AUTH = "Auth"
DEVELOPMENT = "Development"
UTILITIES = "Utilities"

#: In the order the reference migration listed them; views and summaries keep this order.
CATEGORIES: tuple[str, ...] = (CORE_WEB, AI_ML, LLM, DATABASE, AUTH, DEVELOPMENT, UTILITIES)

_NAMES: dict[str, tuple[str, ...]] = {
    CORE_WEB: (
        "fastapi",
        "starlette",
        "uvicorn",
        "gunicorn",
        "hypercorn",
        "flask",
        "django",
        "aiohttp",
        "httpx",
        "requests",
        "websockets",
        "python-multipart",
        "pydantic",
        "pydantic-core",
        "pydantic-settings",
        "sse-starlette",
        "tornado",
        "sanic",
        "quart",
        "falcon",
        "bottle",
        "werkzeug",
        "jinja2",
        "h11",
        "httpcore",
        "anyio",
        "uvloop",
        "httptools",
        "wsproto",
    ),
    AI_ML: (
        "torch",
        "torchvision",
        "torchaudio",
        "tensorflow",
        "keras",
        "jax",
        "jaxlib",
        "numpy",
        "scipy",
        "pandas",
        "scikit-learn",
        "transformers",
        "sentence-transformers",
        "accelerate",
        "datasets",
        "tokenizers",
        "safetensors",
        "huggingface-hub",
        "xgboost",
        "lightgbm",
        "onnx",
        "onnxruntime",
        "opencv-python",
        "opencv-python-headless",
        "spacy",
        "nltk",
        "sympy",
        "networkx",
        "triton",
        "einops",
        "timm",
        "polars",
        "pyarrow",
        "matplotlib",
    ),
    LLM: (
        "openai",
        "anthropic",
        "google-generativeai",
        "google-genai",
        "cohere",
        "groq",
        "mistralai",
        "tiktoken",
        "litellm",
        "ollama",
        "emergentintegrations",
        "voyageai",
        "replicate",
        "together",
        "instructor",
        "guidance",
        "dspy",
        "dspy-ai",
    ),
    DATABASE: (
        "motor",
        "pymongo",
        "sqlalchemy",
        "psycopg",
        "psycopg2",
        "psycopg2-binary",
        "asyncpg",
        "redis",
        "alembic",
        "aiosqlite",
        "pymysql",
        "mysqlclient",
        "elasticsearch",
        "peewee",
        "tortoise-orm",
        "sqlmodel",
        "cassandra-driver",
        "neo4j",
        "chromadb",
        "pinecone-client",
        "qdrant-client",
        "weaviate-client",
        "dnspython",
        "aioredis",
        "databases",
        "duckdb",
    ),
    AUTH: (
        "pyjwt",
        "python-jose",
        "passlib",
        "bcrypt",
        "authlib",
        "oauthlib",
        "requests-oauthlib",
        "cryptography",
        "itsdangerous",
        "pyotp",
        "argon2-cffi",
        "ecdsa",
        "rsa",
        "python-keycloak",
        "fastapi-users",
        "flask-login",
        "django-allauth",
        "pynacl",
    ),
    DEVELOPMENT: (
        "pytest",
        "black",
        "ruff",
        "mypy",
        "flake8",
        "isort",
        "pylint",
        "coverage",
        "pre-commit",
        "ipython",
        "tox",
        "nox",
        "hypothesis",
        "pyright",
        "bandit",
        "autopep8",
        "yapf",
        "ipdb",
        "debugpy",
        "jupyter",
        "notebook",
        "jupyterlab",
        "sphinx",
        "mkdocs",
        "twine",
        "build",
        "hatchling",
        "setuptools",
        "wheel",
        "pip",
        "uv",
        "poetry",
        "virtualenv",
    ),
}

_PREFIXES: tuple[tuple[str, str], ...] = (
    ("pytest-", DEVELOPMENT),
    ("types-", DEVELOPMENT),
    ("flake8-", DEVELOPMENT),
    ("mypy-", DEVELOPMENT),
    ("sphinx-", DEVELOPMENT),
    ("mkdocs-", DEVELOPMENT),
    ("langchain", LLM),
    ("llama-index", LLM),
    ("llama_index", LLM),
    ("openai-", LLM),
    ("django-", CORE_WEB),
    ("flask-", CORE_WEB),
    ("fastapi-", CORE_WEB),
    ("starlette-", CORE_WEB),
    ("torch", AI_ML),
    ("tensorflow", AI_ML),
    ("nvidia-", AI_ML),
    ("scikit-", AI_ML),
    ("sqlalchemy-", DATABASE),
    ("psycopg", DATABASE),
)

#: Trove classifier prefixes, checked in order: the first that matches wins.
_CLASSIFIERS: tuple[tuple[str, str], ...] = (
    ("Topic :: Scientific/Engineering :: Artificial Intelligence", AI_ML),
    ("Topic :: Scientific/Engineering :: Image Recognition", AI_ML),
    ("Framework :: FastAPI", CORE_WEB),
    ("Framework :: Django", CORE_WEB),
    ("Framework :: Flask", CORE_WEB),
    ("Topic :: Internet :: WWW/HTTP :: HTTP Servers", CORE_WEB),
    ("Topic :: Internet :: WWW/HTTP :: WSGI", CORE_WEB),
    ("Topic :: Database", DATABASE),
    ("Topic :: Security", AUTH),
    ("Framework :: Pytest", DEVELOPMENT),
    ("Topic :: Software Development :: Testing", DEVELOPMENT),
    ("Topic :: Software Development :: Quality Assurance", DEVELOPMENT),
    ("Topic :: Software Development :: Debuggers", DEVELOPMENT),
)

_BY_NAME: dict[str, str] = {name: category for category, names in _NAMES.items() for name in names}
#: All the prefixes at once: one ``startswith`` call rules most names and classifiers out.
_ANY_PREFIX = tuple(prefix for prefix, _ in _PREFIXES)
_ANY_CLASSIFIER = tuple(prefix for prefix, _ in _CLASSIFIERS)


def categorize(
    key: str,
    classifiers: Iterable[str] = (),
    overrides: Mapping[str, str] | None = None,
) -> str:
    """The category of the package whose canonical name is ``key``."""
    if overrides and key in overrides:
        return overrides[key]
    found = _BY_NAME.get(key)
    if found is not None:
        return found
    if key.startswith(_ANY_PREFIX):
        for prefix, category in _PREFIXES:
            if key.startswith(prefix):
                return category
    for classifier in classifiers:
        if classifier.startswith(_ANY_CLASSIFIER):
            for prefix, category in _CLASSIFIERS:
                if classifier.startswith(prefix):
                    return category
    return UTILITIES
