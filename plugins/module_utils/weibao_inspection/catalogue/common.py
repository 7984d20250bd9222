# Copyright: weibao contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Messages every area shares: why a source could not be read or judged, and the reasons'
building blocks. Keys: ``reason.*`` (why a check could not judge), ``errno.*`` (an OSError
by its errno name), ``common.*`` (words used by many rules).

A reason is a message that a collector or a parser returns in a section's ``error``
(``{"error": msg("reason.cannot_read", path=..., why=errno_message(exc))}``); the rule puts it
into its own message as a parameter, so it shows in the report's language.
"""

from __future__ import annotations

# {key: (English, Simplified Chinese)}; fields as in weibao_inspection.messages.
MESSAGES = {
    # --- why a check could not judge (the coverage causes are in parentheses)
    "reason.not_collected": ("not collected", "未采集"),
    "reason.not_given": ("{what} was not given", "未提供 {what}"),
    "reason.cannot_read": ("cannot read {path}: {why}", "无法读取 {path}：{why}"),
    "reason.cannot_list": ("cannot list {path}: {why}", "无法列出 {path}：{why}"),
    "reason.does_not_exist": ("{path} does not exist", "{path} 不存在"),
    "reason.not_installed": ("{command} is not installed", "未安装 {command} 命令"),
    "reason.exited": ("{command} exited {rc}: {output:q}", "{command} 退出码 {rc}：{output:q}"),
    "reason.exited_silent": ("{command} exited {rc} with no output",
                             "{command} 退出码 {rc}，没有输出"),
    "reason.timed_out": ("{command} did not answer within {seconds} s",
                         "{command} 在 {seconds} 秒内没有响应"),
    "reason.no_output": ("{command} printed nothing", "{command} 没有输出"),
    "reason.empty": ("{source} is empty", "{source} 内容为空"),
    "reason.not_understood": ("{source}: output not understood: {detail}",
                              "{source}：无法理解的输出：{detail}"),
    "reason.unexpected_line": ("unexpected line {line:q}", "无法识别的行：{line:q}"),
    "reason.unexpected_value": ("{what}: unexpected value {value:q}",
                                "{what}：无法识别的值 {value:q}"),
    "reason.not_a_number": ("{what}: {value:q} is not a number", "{what}：{value:q} 不是数字"),
    "reason.truncated": ("{source} is truncated", "{source} 内容不完整（被截断）"),
    "reason.missing_field": ("{field} missing from {source}", "{source} 中缺少 {field}"),
    "reason.no_permission": ("{what} needs root (run with become)",
                             "{what} 需要 root 权限（请使用 become）"),
    "reason.internal": ("internal error in {where}: {error:q}",
                        "{where} 中发生内部错误：{error:q}"),
    "reason.stale": ("{source} is {age:dur} old", "{source} 已有 {age:dur} 未更新"),
    "reason.clock_ahead": ("the last inspection ({since:time}) is later than this host's clock "
                           "({now:time}): check the clock",
                           "上次巡检时间（{since:time}）晚于本机时钟（{now:time}）：请检查本机时钟"),
    "reason.text": ("{text:q}", "{text:q}"),
    "reason.both": ("{first}; {second}", "{first}；{second}"),
    # --- an OSError, by errno name (LC_ALL=C strerror); other errnos: reason.errno_other
    "errno.ENOENT": ("no such file or directory", "文件或目录不存在"),
    "errno.EACCES": ("permission denied", "权限不足"),
    "errno.EPERM": ("operation not permitted", "操作不被允许"),
    "errno.EISDIR": ("is a directory", "是一个目录"),
    "errno.ENOTDIR": ("not a directory", "不是目录"),
    "errno.EIO": ("input/output error", "输入/输出错误"),
    "errno.ENODEV": ("no such device", "设备不存在"),
    "errno.ENXIO": ("no such device or address", "设备或地址不存在"),
    "errno.ESTALE": ("stale file handle", "文件句柄已失效"),
    "errno.ENOTCONN": ("transport endpoint is not connected", "传输端点未连接"),
    "errno.ELOOP": ("too many levels of symbolic links", "符号链接层级过多"),
    "errno.ETIMEDOUT": ("connection timed out", "连接超时"),
    "errno.ECONNREFUSED": ("connection refused", "连接被拒绝"),
    "errno.EHOSTDOWN": ("host is down", "主机已关闭"),
    "errno.EHOSTUNREACH": ("no route to host", "没有到主机的路由"),
    "errno.EAGAIN": ("resource temporarily unavailable", "资源暂时不可用"),
    "errno.ENOMEM": ("cannot allocate memory", "无法分配内存"),
    "errno.EOVERFLOW": ("value too large for defined data type", "数值超出数据类型的范围"),
    "errno_other": ("{text:q}", "{text:q}"),
    "common.module_output.not_a_list": ("module returned findings that are not a list",
                                        "模块返回的检查结果不是列表"),
    "common.module_output.invalid": ("module returned an invalid finding ({check}): {error:q}",
                                     "模块返回了不符合格式的检查结果（{check}）：{error:q}"),
    "common.unknown_recommendation": (
        "Check why the inspection could not judge this item and re-run it.",
        "查明巡检无法判断此项的原因，排除后重新检查。"),
}


def errno_message(exc):
    """An OSError as a message: its errno's words in both languages, else its own text."""
    import errno as _errno

    name = _errno.errorcode.get(getattr(exc, "errno", None) or -1, "")
    key = "errno." + name
    if name and key in MESSAGES:
        return {"key": key, "params": {}}
    return {"key": "errno_other",
            "params": {"text": getattr(exc, "strerror", None) or str(exc)}}
