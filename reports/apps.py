from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "年度报告"

    def ready(self):
        from permits.kernel.access.roles import (
            ALL, REPORT_EDITOR, REVIEWER, content_roles_register, role_rules_register,
        )
        from permits.kernel.registry import cache_namespace_register

        cache_namespace_register("reports", watch=("reports.annualreport", "reports.reportsection"))
        content_roles_register("reports")
        # 报告编辑 writes the sections and figures; 审核发布 publishes the report.
        role_rules_register(REVIEWER, ("reports.annualreport",), ("add", "change"))
        role_rules_register(REPORT_EDITOR, ("reports.reportsection", "reports.annualfigure"), ALL)
        role_rules_register(REPORT_EDITOR, ("reports.annualreport",), ("add", "change", "view"))
