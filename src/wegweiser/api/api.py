from ninja import NinjaAPI

api = NinjaAPI(title="Wegweiser API", version="1", urls_namespace="api")
