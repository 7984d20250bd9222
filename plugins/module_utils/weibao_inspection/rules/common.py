# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers every area's rules share."""

from __future__ import annotations


def section_error(section):
    """Why a collected data section holds no data (None when it does).

    Collector modules put each area's raw data in sections; a section that could not be
    read is missing (``None``) or carries ``{"error": reason}``. Rules turn that reason into
    an ``unknown`` finding, never into ``ok``.
    """
    if section is None:
        return "not collected"
    if isinstance(section, dict) and section.get("error"):
        return section["error"]
    return None


# The strerror texts of the OSErrors collectors report (LC_ALL=C), in Chinese: every area's
# rules translate an unreadable file's reason with the same words.
STRERROR_ZH = {
    "No such file or directory": "文件或目录不存在",
    "Permission denied": "权限不足",
    "Operation not permitted": "操作不被允许",
    "Is a directory": "是一个目录",
    "Not a directory": "不是目录",
    "Input/output error": "输入/输出错误",
    "No such device": "设备不存在",
    "No such device or address": "设备或地址不存在",
    "Stale file handle": "文件句柄已失效",
    "Transport endpoint is not connected": "传输端点未连接",
    "Too many levels of symbolic links": "符号链接层级过多",
    "Connection timed out": "连接超时",
    "Connection refused": "连接被拒绝",
    "Host is down": "主机已关闭",
    "No route to host": "没有到主机的路由",
    "Resource temporarily unavailable": "资源暂时不可用",
    "Cannot allocate memory": "无法分配内存",
    "Value too large for defined data type": "数值超出数据类型的范围",
    "Compressed file ended before the end-of-stream marker was reached":
        "压缩文件不完整（在流结束标记之前就已结束）",
    "Not a gzipped file": "不是 gzip 压缩文件",
}
