"""Footer identifiers: the demo's placeholder values and the public record-site links."""
import re

# Values the demo invents where the real ones are not public yet; the footer marks them 示例.
DEMO_PLACEHOLDERS = {
    "site_code": "3605000046",
    "icp_number": "赣ICP备19002345号-1",
    "address": "江西省新余市渝水区仙来西大道1号新余市市民中心",
}
ICP_RECORD_URL = "https://beian.miit.gov.cn/"
POLICE_RECORD_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


def placeholder_fields(profile):
    """Names of the profile's fields still holding a demo placeholder."""
    return frozenset(name for name, value in DEMO_PLACEHOLDERS.items() if getattr(profile, name, None) == value)


def police_record_url(profile):
    digits = "".join(re.findall(r"\d+", profile.police_number or ""))
    return POLICE_RECORD_URL.format(code=digits) if digits else POLICE_RECORD_URL.split("#")[0]
