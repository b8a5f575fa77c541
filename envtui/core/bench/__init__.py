"""uv against pip on the user's own requirements: throwaway venvs, fresh and kept caches, medians."""
