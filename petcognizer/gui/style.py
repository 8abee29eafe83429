"""The look: Fusion with a clean light palette and a little style sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

__all__ = ['ACCENT', 'STYLE_SHEET', 'apply_style', 'light_palette']

#: The accent colour (selection, primary buttons).
ACCENT = '#2f6fde'

STYLE_SHEET = f"""
QMainWindow, #StartPage {{ background: #f5f6f8; }}
#StartCard {{ background: white; border: 1px solid #e3e5e9; border-radius: 12px; }}
#AppTitle {{ font-size: 26pt; font-weight: 600; color: #1f2329; }}
#AppSubtitle {{ font-size: 11pt; color: #5f6670; }}
#SectionHeader {{ font-size: 10pt; font-weight: 600; color: #5f6670;
    text-transform: uppercase; letter-spacing: 1px; }}
#ActionCard {{ text-align: left; background: #f8f9fb; border: 1px solid #e3e5e9;
    border-radius: 10px; }}
#ActionCard:hover {{ background: #eef4ff; border-color: {ACCENT}; }}
#ActionCard:pressed {{ background: #dfeaff; }}
#CardTitle {{ font-size: 12pt; font-weight: 600; color: #1f2329; }}
#CardText {{ color: #5f6670; }}
#RecentList {{ border: 1px solid #e3e5e9; border-radius: 8px; background: #fbfbfc; padding: 4px; }}
#RecentList::item {{ border-radius: 6px; }}
#RecentList::item:selected {{ background: #e6efff; color: #1f2329; }}
#RecentList::item:hover {{ background: #f0f4fb; }}
#BinPanel {{ background: #fafbfc; }}
#ClassBinList {{ border: none; background: transparent; }}
#ClassBinList::item {{ border-radius: 6px; color: #1f2329; }}
#ClassBinList::item:selected {{ background: #e2ecfd; color: #1f2329; }}
#ClassBinList::item:hover:!selected {{ background: #eef1f5; }}
#HintLabel {{ color: #5f6670; background: #f0f2f5; border-radius: 8px; padding: 8px; }}
#KeysLabel {{ color: #7a818b; font-size: 9pt; }}
#BinTitle {{ font-size: 16pt; font-weight: 600; color: #1f2329; }}
#BinCount {{ color: #5f6670; font-size: 11pt; }}
#ThumbnailGrid {{ border: 1px solid #e3e5e9; border-radius: 8px; background: white; padding: 6px; }}
#EmptyState {{ border: 2px dashed #cfd4db; border-radius: 14px; background: #fbfbfc; }}
#EmptyTitle {{ font-size: 16pt; font-weight: 600; color: #3c424a; }}
#EmptyText {{ font-size: 10.5pt; color: #5f6670; }}
#PrimaryButton {{ background: {ACCENT}; color: white; border: 1px solid #285fc0;
    border-radius: 6px; padding: 6px 14px; }}
#PrimaryButton:hover {{ background: #3b7cf0; }}
#PrimaryButton:pressed {{ background: #285fc0; }}
#PrimaryButton:disabled {{ background: #d5dae1; color: #8a9099; border-color: #c8cdd4; }}
#BigTrainButton {{ font-size: 13pt; font-weight: 600; padding: 10px 28px; }}
#ActionCard:disabled {{ background: #f1f2f4; border-color: #e6e8eb; color: #a0a6ad; }}
#ChoiceCard {{ background: white; border: 1px solid #e3e5e9; border-radius: 10px; }}
#RunSentence {{ font-size: 12pt; color: #1f2329; }}
#StageLabel {{ color: #8a9099; padding: 2px 6px; border-radius: 6px; }}
#StageLabel[state="current"] {{ color: white; background: {ACCENT}; font-weight: 600; }}
#StageLabel[state="done"] {{ color: #2e7d32; }}
#ExpertToggle {{ font-weight: 600; color: #3c424a; }}
#MessageBar {{ border-radius: 8px; background: #fdecec; border: 1px solid #f3b7b7; }}
#MessageBar[kind="info"] {{ background: #eef4ff; border: 1px solid #c9dafb; }}
#AddReportPanel {{ border-radius: 8px; background: #fff8e6; border: 1px solid #f1d58a; }}
#Separator {{ color: #e3e5e9; }}
QTabWidget#PageTabs::pane {{ border-top: 1px solid #e3e5e9; }}
QTabBar::tab {{ padding: 9px 24px; font-size: 10.5pt; border: none; background: transparent;
    color: #5f6670; border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {ACCENT}; font-weight: 600; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:hover:!selected {{ color: #1f2329; }}
QTabBar::tab:disabled {{ color: #b4b9c0; }}
QStatusBar {{ color: #5f6670; }}
"""


def light_palette() -> QPalette:
    """A light palette that looks the same on every platform."""
    pal = QPalette()
    window, base, text = QColor('#f5f6f8'), QColor('#ffffff'), QColor('#1f2329')
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        pal.setColor(group, QPalette.ColorRole.Window, window)
        pal.setColor(group, QPalette.ColorRole.WindowText, text)
        pal.setColor(group, QPalette.ColorRole.Base, base)
        pal.setColor(group, QPalette.ColorRole.AlternateBase, QColor('#f3f5f8'))
        pal.setColor(group, QPalette.ColorRole.Text, text)
        pal.setColor(group, QPalette.ColorRole.Button, QColor('#ffffff'))
        pal.setColor(group, QPalette.ColorRole.ButtonText, text)
        pal.setColor(group, QPalette.ColorRole.Highlight, QColor(ACCENT))
        pal.setColor(group, QPalette.ColorRole.HighlightedText, QColor('#ffffff'))
        pal.setColor(group, QPalette.ColorRole.ToolTipBase, QColor('#ffffff'))
        pal.setColor(group, QPalette.ColorRole.ToolTipText, text)
        pal.setColor(group, QPalette.ColorRole.PlaceholderText, QColor('#9aa0a6'))
        pal.setColor(group, QPalette.ColorRole.Link, QColor(ACCENT))
    grey = QColor('#a0a6ad')
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, grey)
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor('#f5f6f8'))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor('#f5f6f8'))
    return pal


def apply_style(app: QApplication) -> None:
    """Fusion, the light palette, a 10 pt UI font and the style sheet."""
    fusion = QStyleFactory.create('Fusion')
    if fusion is not None:
        app.setStyle(fusion)
    app.setPalette(light_palette())
    font = QFont(app.font())
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
