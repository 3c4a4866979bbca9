"""The periodic report's pages. (Being built.)"""

urlpatterns = []
