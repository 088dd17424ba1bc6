from reports.management.commands.report_pdf import Command as PdfCommand


class Command(PdfCommand):
    help = "写出某年度报告的Word文件（.docx）"
    extension = "docx"
